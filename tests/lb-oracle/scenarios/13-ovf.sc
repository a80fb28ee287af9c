# ovf: the highest weight until its active connections reach the weight
adm -C
adm -A -t $VIP:$PORT -s ovf
adm -a -t $VIP:$PORT -r $BE1:80 -m -w 1
adm -a -t $VIP:$PORT -r $BE2:80 -m -w 1
adm -a -t $VIP:$PORT -r $BE3:80 -m -w 2
get 3
hold
get 3
waithold
check
