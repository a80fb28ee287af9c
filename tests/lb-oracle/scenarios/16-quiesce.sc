# quiesce: weight 0 takes no new connections; weight back
adm -C
adm -A -t $VIP:$PORT -s rr
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 3
adm -e -t $VIP:$PORT -r $BE3:80 -m -w 0
get 4
check Ln Lnc S
adm -e -t $VIP:$PORT -r $BE3:80 -m -w 1
get 4
check
