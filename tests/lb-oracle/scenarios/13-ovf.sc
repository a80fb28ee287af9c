# ovf: the first server (highest weight, list order) until its active
# connections reach its weight, then the next
adm -C
adm -A -t $VIP:$PORT -s ovf
adm -a -t $VIP:$PORT -r $BE1:80 -m -w 1
adm -a -t $VIP:$PORT -r $BE2:80 -m -w 1
adm -a -t $VIP:$PORT -r $BE3:80 -m -w 1
get 4
hold
get 4
waithold
check
