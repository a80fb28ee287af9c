# A service without scheduler (-s none): no server is picked, the request
# fails; and error commands with their messages and exit codes
adm -C
adm -A -t $VIP:$PORT -s none
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
get 2
check Ln Lnc S
adm -A -t $VIP:$PORT -s rr
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -d -t $VIP:$PORT -r $BE3:80
adm -e -t $VIP:$PORT -r $BE3:80 -m
adm -e -t $VIP:9 -r $BE3:80 -m
adm -E -t $VIP:$PORT -s nosuch
adm -D -u $VIP:$PORT
adm -L -n -t $VIP:9
adm -a -t $VIP:$PORT -r $BE3:80 -m -w -1
adm -a -t $VIP:$PORT -r $BE3:80 -m -x 1 -y 2
adm -E -t $VIP:$PORT -s rr
get 2
check
